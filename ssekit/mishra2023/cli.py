"""Command-line logic of the ionic-conductivity predictor: ``ssekit conductivity predict`` and ``train``.

The predictor (:mod:`ssekit.ml.conductivity`) is the general model the
Mishra et al. 2023 chapter evaluates; reading rows, screening each row
(:func:`ssekit.validation.obelix_row_problems`), model files and messages
live here, and :mod:`ssekit.cli` only wires them.

Examples
--------
>>> import argparse
>>> from ssekit.mishra2023.cli import add_commands
>>> p = argparse.ArgumentParser(prog="ssekit"); add_commands(p.add_subparsers(dest="command"))
>>> p.parse_args(["conductivity", "predict", "rows.csv"]).input
'rows.csv'
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..files import check_output_path

__all__ = ['CHUNK_ROWS', 'add_commands', 'read_rows', 'iter_rows', 'screen_rows', 'predict', 'train']


def _model_file_note() -> str:
    from ..ml.modelfile import TRUSTED_NOTE

    return TRUSTED_NOTE


def read_rows(path: str) -> pd.DataFrame:
    """Cleaned OBELiX-format rows of a user's CSV file (blank lattice or conductivity allowed).

    Parameters
    ----------
    path : str

    Returns
    -------
    pandas.DataFrame
    """
    from ..errors import InputError
    from ..files import read_csv_file
    from ..ml import conductivity

    raw, notes = read_csv_file(path, "OBELiX-format CSV", dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=sys.stderr)
    try:
        return conductivity.rows_from_csv_frame(raw, path)
    except InputError as exc:  # name the file in the one-line message
        msg = str(exc)
        raise type(exc)(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None


def screen_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows whose element data, Z and unit cell pass :func:`ssekit.validation.obelix_row_problems`, and the others.

    Parameters
    ----------
    rows : pandas.DataFrame
        Cleaned rows (:func:`read_rows`).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The usable rows, and ``ID`` and ``reason`` of the others.
    """
    from ..validation import obelix_row_problems

    problems = pd.Series(obelix_row_problems(rows), index=rows.index)
    bad = problems != ""
    refused = pd.DataFrame({"ID": rows.loc[bad, "ID"].astype(str), "reason": problems[bad]})
    return rows[~bad], refused.reset_index(drop=True)


#: Rows read, checked and predicted at a time by ``conductivity predict``: memory is bounded by one chunk.
CHUNK_ROWS = 20_000


def iter_rows(path: str, chunk_rows: int = CHUNK_ROWS):
    """Cleaned OBELiX-format rows of a user's CSV file, ``chunk_rows`` at a time (see :func:`read_rows`).

    The file-level checks of :func:`ssekit.files.iter_csv_file` (missing,
    empty, binary, encoding, with the note printed) are made when this is
    called; a chunk's header, values and ranges are checked as it is read.

    Parameters
    ----------
    path : str
    chunk_rows : int

    Returns
    -------
    iterator of pandas.DataFrame
    """
    from ..errors import InputError
    from ..files import iter_csv_file
    from ..ml import conductivity

    raw_chunks, notes = iter_csv_file(path, "OBELiX-format CSV", chunk_rows, dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=sys.stderr)

    def cleaned():
        for raw in raw_chunks:
            try:
                yield conductivity.rows_from_csv_frame(raw, path)
            except InputError as exc:  # name the file in the one-line message
                msg = str(exc)
                raise type(exc)(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None

    return cleaned()


def _load_predictor(args: argparse.Namespace):
    """The model of ``--model-file`` (or the shipped one) and the 'model:' line saying which it is."""
    from ..errors import InputError
    from ..ml import conductivity
    from ..ml.modelfile import load_model

    if args.model_file:
        bundle = load_model(args.model_file)
        if not isinstance(bundle.get("model"), conductivity.ConductivityModel):
            raise InputError(f"{args.model_file}: not a conductivity model saved by 'ssekit conductivity train'")
        model, source = bundle["model"], f"{args.model_file} ({bundle['rows']} training rows)"
    else:
        model = conductivity.shipped_model()
        source = f"the shipped OBELiX training split ({model.n_rows_} rows)"
    return model, (f"model: three-head extra-trees predictor trained on {source}; "
                   f"{round(100 * model.level)} % conformal intervals")


def predict(args: argparse.Namespace) -> int:
    """``ssekit conductivity predict``: 0 with predictions, 1 when every row is refused, 2 for bad input.

    The input is read, screened and predicted :data:`CHUNK_ROWS` rows at a
    time, and with ``--out`` each chunk's predictions are appended to a
    temporary file renamed over the output at the end
    (:class:`ssekit.files.AtomicFile`), so memory does not grow with the
    file. The file is byte for byte what predicting the whole table at once
    gives. The first chunk is read and checked before the model is loaded,
    so a file refused for its header or first rows costs no model time; a
    problem found further down still refuses the whole file (exit 2, no
    output). Refused rows are listed at the end; files longer than one chunk
    get a progress line on stderr after each chunk. Without ``--out`` the
    table is printed at the end (so it is held in memory: use ``--out`` for
    long files).
    """
    import itertools

    from ..files import AtomicFile
    from ..ml import conductivity

    if args.out:
        check_output_path(args.out, inputs=[args.input, args.model_file])
    chunks = iter_rows(args.input, CHUNK_ROWS)
    ahead = list(itertools.islice(chunks, 2))  # the first chunk's refusals before the model; a second: a long file
    model, model_line = _load_predictor(args)
    print(model_line, file=sys.stderr)
    long_file = len(ahead) > 1
    n_read = n_pred = n_outside = 0
    pre, post, shown = [], [], []
    out_file = AtomicFile(args.out, inputs=[args.input, args.model_file]) if args.out else None

    def screened():
        nonlocal n_read
        for part in itertools.chain(ahead, chunks):
            ok, bad = screen_rows(part)
            n_read += len(part)
            pre.append(bad)
            yield ok

    try:
        for o, r in conductivity.iter_predictions(model, screened()):
            post.append(r)
            n_pred += len(o)
            n_outside += int(o["outside_domain"].sum())
            o = o.round(4)
            if out_file is None:
                shown.append(o)
            elif len(o):
                out_file.write_csv(o)
            if long_file:
                print(f"conductivity predict: {n_read} rows read, {n_pred} predicted", file=sys.stderr, flush=True)
        note = conductivity.domain_note_for(n_outside, n_pred, model)
        if note:  # the note starts with 'note:' itself
            print(note, file=sys.stderr)
        refused = pd.concat(pre + post, ignore_index=True)
        for _, r in refused.iterrows():
            print(f"refused row ID={r['ID']}: {r['reason']}", file=sys.stderr)
        if out_file is not None and n_pred:
            out_file.commit()
            print(f"wrote {n_pred} predictions to {args.out}; {len(refused)} row(s) refused", file=sys.stderr)
        elif n_pred:
            print(pd.concat(shown, ignore_index=True).to_string(index=False))
    finally:
        if out_file is not None:
            out_file.discard()  # nothing predicted, or stopped part-way: no output, no temporary file
    return 0 if n_pred else 1

#: allowed ``--trees`` of ``conductivity train`` (trees per forest of each head)
TREES_RANGE = (10, 3000)


def train(args: argparse.Namespace) -> int:
    """``ssekit conductivity train``: fit on the user's table and save a model file (0), or 2 for bad input."""
    from .. import __version__
    from ..errors import InputError
    from ..ml import conductivity
    from ..ml.modelfile import save_model

    check_output_path(args.out, inputs=[args.table])
    rows = read_rows(args.table)
    rows, refused = screen_rows(rows)
    for _, r in refused.iterrows():
        print(f"note: {args.table}: row ID={r['ID']} left out: {r['reason']}", file=sys.stderr)
    n_labelled = int(rows["sigma_S_per_cm"].notna().sum())
    if n_labelled < 20:
        raise InputError(f"{args.table}: only {n_labelled} rows with a conductivity (need at least 20)")
    systems = {conductivity.chemical_system(c) for c in rows.loc[rows["sigma_S_per_cm"].notna(), "composition"]} - {None}
    if len(systems) < 5:
        raise InputError(f"{args.table}: the rows with a conductivity come from {len(systems)} chemical system(s) "
                         f"({', '.join(sorted(systems)[:5])}); the intervals are calibrated by 5-fold CV grouped by "
                         "chemical system, which needs rows from at least 5")
    if not TREES_RANGE[0] <= args.trees <= TREES_RANGE[1]:
        raise InputError(f"--trees {args.trees}: trees per forest must be a whole number from {TREES_RANGE[0]} to "
                         f"{TREES_RANGE[1]} (default {conductivity.ConductivityModel().n_estimators})")
    model = conductivity.train(rows, n_estimators=args.trees)
    save_model({"name": "three-head extra-trees predictor", "model": model, "rows": model.n_rows_,
                "features": "composition, cell, Ea (see ssekit.ml.conductivity)", "ssekit_version": __version__},
               args.out)
    n_cens = int(rows["sigma_censored"].sum())
    print(f"trained the three-head predictor on {model.n_rows_} rows ({n_cens} with a conductivity given only as a "
          f"bound, stored as 1e-15 S/cm; {len(rows) - n_labelled} without a conductivity left out); heads: "
          + ", ".join(f"{h} {n} rows" for h, n in model.n_train_.items())
          + f"; {args.trees} trees per forest; saved to {args.out}")
    return 0


def add_commands(sub) -> None:
    """Add this paper's subcommands to the ``ssekit`` parser's subparsers ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    """
    c2 = sub.add_parser("conductivity", help="room-temperature ionic-conductivity predictor (any composition)",
                        description="Predict log10 ionic conductivity from composition descriptors, the unit cell when "
                        "given, and the activation energy when the shipped Laskowski table has one; trained on the "
                        "shipped OBELiX training split.")
    csub = c2.add_subparsers(dest="conductivity_command", required=True, metavar="SUBCOMMAND")
    cp = csub.add_parser(
        "predict", help="predict conductivity for rows in the OBELiX CSV format",
        description="Read rows in the OBELiX CSV format (the columns of obelix_train.csv; lattice, Z and conductivity "
        "may be blank) and write ID, log10_sigma_pred, log10_sigma_lo90/hi90 (split-conformal 90 %% interval, "
        "calibrated by chemical-system-grouped CV) and the head used: 'composition' (formula only), "
        "'composition+cell' (plus lattice, space group, Z) or 'composition+cell+Ea' (plus the activation energy "
        "joined from the shipped Laskowski table by reference number and composition; Ea_eV is printed). A row's own "
        "conductivity is never read. Only rows with no parsable composition are refused, with the reason. "
        "Without --model-file the shipped model is trained on first use (about 15 s) and kept in $SSEKIT_CACHE_DIR "
        "when that is set (as a skops archive whose types are checked when read back, never a pickle); a saved model predicts 10,000 rows in a few seconds.",
    )
    cp.add_argument("input", help="CSV in the OBELiX format")
    cp.add_argument("--out", metavar="FILE", help="write the predictions as CSV (atomically)")
    cp.add_argument("--model-file", metavar="FILE", help="a model saved by 'ssekit conductivity train'. " + _model_file_note())
    cp.set_defaults(func=predict)
    ct = csub.add_parser(
        "train", help="refit the predictor on your own table",
        description="Refit the predictor (same pipeline as the shipped one: descriptors, three heads, conformal "
        "calibration by chemical-system-grouped CV) on a table in the OBELiX CSV format with conductivities, and save "
        "it for 'ssekit conductivity predict --model-file'. '<x' conductivities are stored as 1e-15 S/cm (the OBELiX "
        "convention).",
    )
    ct.add_argument("table", help="CSV in the OBELiX format, with conductivities")
    ct.add_argument("--out", required=True, metavar="FILE", help="where to save the model (a skops archive "
                    "behind an ssekit header and checksum, written atomically). " + _model_file_note())
    ct.add_argument("--trees", type=int, default=300, metavar="N",
                    help=f"trees per forest, {TREES_RANGE[0]} to {TREES_RANGE[1]} (default 300, as the shipped model; "
                    "fewer train faster and give noisier predictions and intervals)")
    ct.set_defaults(func=train)
