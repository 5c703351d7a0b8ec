"""Command line: ``ssekit`` (or ``python -m ssekit``).

Subcommands
-----------
claims   print the claims scorecard (fresh computation, or a built claims.json)
data     list the data registry and verify every checksum
films    classify slurry recipes with the Chen et al. 2021 film-quality model
conductivity  predict or train the ionic-conductivity predictor (any parsable composition, with intervals)
cell     energy density and separator thickness thresholds (Kim et al. 2025)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd


def _cmd_claims(args: argparse.Namespace) -> int:
    from . import claims

    if args.from_build:
        path = Path(args.from_build)
        if not path.exists():
            print(f"ssekit claims: {path} does not exist; build the book first (see README)", file=sys.stderr)
            return 2
        payload = json.loads(path.read_text(encoding="utf-8"))
        rows = payload["claims"]
        if args.paper:
            rows = [r for r in rows if r["paper"] == args.paper]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        df = pd.DataFrame(rows)[["id", "status", "reported", "reproduced", "unit", "note"]].set_index("id")
        print(f"claims from {path} (ssekit {payload.get('ssekit_version')})")
    else:
        results = claims.evaluate_all(args.paper)
        if args.json:
            print(claims.to_json(results))
            return 0
        df = claims.frame(results)[["status", "reported", "reproduced", "data", "note"]]
        print("claims computed now")
    with pd.option_context("display.max_colwidth", 70, "display.width", 200):
        print(df.to_string())
    counts = df["status"].value_counts().to_dict()
    print("\n" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from . import data

    reg = data.registry()
    bad = pd.DataFrame(columns=["name", "file", "ok", "message"])
    if not args.no_verify:
        ver = data.verify_all()
        bad = ver[~ver["ok"]]
        reg["checksum"] = reg["name"].map(ver.drop_duplicates("name").set_index("name")["ok"]).map({True: "ok", False: "MISMATCH"})
    cols = ["file", "kind", "rows", "licence", "doi"] + ([] if args.no_verify else ["checksum"])
    with pd.option_context("display.width", 200, "display.max_colwidth", 50):
        print(reg[cols].to_string())
    if args.citations:
        print()
        for name, row in reg.iterrows():
            print(f"{name}: {row['citation']} doi:{row['doi']}")
    for _, row in bad.iterrows():
        print(row["message"], file=sys.stderr)
    if not args.no_verify:
        print(f"{int(len(reg) - (reg['checksum'] != 'ok').sum())} of {len(reg)} registered files verified; "
              f"{int((bad['name'] == '(unregistered)').sum())} unregistered", file=sys.stderr)
    return 1 if len(bad) else 0


def _cmd_films_classify(args: argparse.Namespace) -> int:
    from .chen2021 import analysis as chen2021
    from .chen2021 import films
    from .errors import InputError
    from .ml import filmclass as filmml
    from .validation import check_range

    if args.csv:
        raw = pd.read_csv(args.csv)
        mapping = {k: v for k, v in films.canonical_columns(raw.columns).items() if v in filmml.INPUTS}
        missing = [c for c in filmml.INPUTS if c not in mapping.values()]
        if missing:
            print(f"ssekit films classify: {args.csv} lacks column(s) {missing} "
                  "(accepted headers e.g. 'P%', 'L:S', 'X:B')", file=sys.stderr)
            return 2
        recipes = raw.rename(columns=mapping)[filmml.INPUTS]
    elif None not in (args.p, args.ls, args.xb):
        recipes = pd.DataFrame({"P_pct": [args.p], "LS_uL_per_mg": [args.ls], "XB_vol_pct": [args.xb]})
    else:
        print("ssekit films classify: give --p, --ls and --xb, or --csv FILE", file=sys.stderr)
        return 2
    a = chen2021.analysis()
    df = a.df
    units = {"P_pct": "wt%", "LS_uL_per_mg": "uL/mg", "XB_vol_pct": "vol% xylene"}
    try:
        for col in filmml.INPUTS:
            values = pd.to_numeric(recipes[col], errors="coerce")
            if values.isna().any():
                raise InputError(f"{col} must be a number in {units[col]}; row(s) {list(values.index[values.isna()])} are not")
            check_range(col, values, units[col], float(df[col].min()), float(df[col].max()))
            recipes[col] = values.astype(float)
    except InputError as exc:
        print(f"ssekit films classify: {exc} (the range covered by the {a.data.label})", file=sys.stderr)
        return 2
    model = filmml.fit_classifier(df, a.classes, seed=chen2021.SEED)
    proba = model.predict_proba(recipes[filmml.INPUTS])
    out = recipes.copy()
    out["class"] = model.classes_[proba.argmax(axis=1)]
    out["probability"] = proba.max(axis=1).round(3)
    for i, c in enumerate(model.classes_):
        out[f"p_class{c}"] = proba[:, i].round(3)
    print(f"model: linear SVM + oversampling, trained on all {len(df)} films of the {a.data.label}", file=sys.stderr)
    if args.out:
        out.to_csv(args.out, index=False)
        print(f"wrote {len(out)} predictions to {args.out}", file=sys.stderr)
    else:
        print(out.to_string(index=False))
    return 0


def _read_rows(path: str):
    """Cleaned OBELiX-format rows of a CSV file (blank lattice or conductivity allowed)."""
    from .errors import InputError
    from .ml import conductivity

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    return conductivity.rows_from_csv_frame(pd.read_csv(path, dtype=str, keep_default_na=False), path)


def _write_atomically(df: pd.DataFrame, out: str) -> None:
    import os
    import tempfile

    target = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, index=False)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_conductivity_predict(args: argparse.Namespace) -> int:
    import joblib

    from .errors import InputError
    from .ml import conductivity

    rows = _read_rows(args.input)
    if args.model_file:
        try:
            bundle = joblib.load(args.model_file)
        except Exception as exc:  # not a joblib file, truncated, ...
            raise InputError(f"{args.model_file}: not a model saved by 'ssekit conductivity train' ({exc})") from None
        if not isinstance(bundle, dict) or not isinstance(bundle.get("model"), conductivity.ConductivityModel):
            raise InputError(f"{args.model_file}: not a model saved by 'ssekit conductivity train'")
        model, source = bundle["model"], f"{args.model_file} ({bundle['rows']} training rows)"
    else:
        model = conductivity.shipped_model()
        source = f"the shipped OBELiX training split ({model.n_rows_} rows)"
    print(f"model: three-head extra-trees predictor trained on {source}; "
          f"{round(100 * model.level)} % conformal intervals", file=sys.stderr)
    out, refused = conductivity.predict_rows(model, rows)
    for _, r in refused.iterrows():
        print(f"refused row ID={r['ID']}: {r['reason']}", file=sys.stderr)
    out = out.round(4)
    if args.out:
        _write_atomically(out, args.out)
        print(f"wrote {len(out)} predictions to {args.out}; {len(refused)} row(s) refused", file=sys.stderr)
    else:
        print(out.to_string(index=False))
    return 0 if len(out) else 1


def _cmd_conductivity_train(args: argparse.Namespace) -> int:
    import os
    import tempfile

    import joblib

    from . import __version__
    from .errors import InputError
    from .ml import conductivity

    rows = _read_rows(args.table)
    n_labelled = int(rows["sigma_S_per_cm"].notna().sum())
    if n_labelled < 20:
        raise InputError(f"{args.table}: only {n_labelled} rows with a conductivity (need at least 20)")
    model = conductivity.train(rows)
    target = Path(args.out)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    try:
        joblib.dump({"model": model, "rows": model.n_rows_, "ssekit_version": __version__}, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    n_cens = int(rows["sigma_censored"].sum())
    print(f"trained the three-head predictor on {model.n_rows_} rows ({n_cens} with a conductivity given only as a "
          f"bound, stored as 1e-15 S/cm; {len(rows) - n_labelled} without a conductivity left out); heads: "
          + ", ".join(f"{h} {n} rows" for h, n in model.n_train_.items())
          + f"; saved to {args.out}")
    return 0


def _cell_params(args: argparse.Namespace):
    from .errors import InputError
    from .physics import cell

    overrides = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        try:
            overrides[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"--set takes NAME=NUMBER, got {item!r}") from None
    return cell.load_config(args.config, overrides, path=args.params)


def _cmd_cell_energy(args: argparse.Namespace) -> int:
    from .physics import cell

    p = _cell_params(args)
    r = cell.stack(p, args.se_thickness_um)
    print(f"{cell.CONFIGS.get(args.config, args.config)}, {'bipolar' if int(p['bipolar'].value) else 'monopolar'}")
    cols = ["se_thickness_um", "Wh_per_kg", "Wh_per_L", "stack_Wh_per_kg", "stack_Wh_per_L", "separator_ASR_ohm_cm2"]
    print(r[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return 0


def _cmd_cell_threshold(args: argparse.Namespace) -> int:
    import math

    from .physics import cell
    from .validation import check_range

    if (args.target_wh_per_kg is None) == (args.target_wh_per_l is None):
        print("ssekit cell threshold: give exactly one of --target-wh-per-kg, --target-wh-per-l", file=sys.stderr)
        return 2
    kind, target, unit = (("Wh_per_kg", args.target_wh_per_kg, "Wh/kg") if args.target_wh_per_kg is not None
                          else ("Wh_per_L", args.target_wh_per_l, "Wh/L"))
    p = _cell_params(args)
    check_range("target", target, unit, 0, math.inf, low_inclusive=False)
    t = cell.threshold(p, target, kind if not args.stack else f"stack_{kind}")
    level = "stack" if args.stack else "cell"
    if t is None:
        best = float(cell.stack(p, 0.1)[kind if not args.stack else f"stack_{kind}"].iloc[0])
        print(f"no separator thickness reaches {target:g} {unit} ({level} level); "
              f"even 0.1 um gives {best:.0f} {unit}")
        return 1
    print(f"{target:g} {unit} ({level} level) is met for separator thickness up to {t:.1f} um")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``ssekit`` argument parser with every subcommand."""
    from . import __version__

    p = argparse.ArgumentParser(
        prog="ssekit",
        description="Executable reproduction of four papers on thin sulfide solid-electrolyte films: "
        "claims scorecard, shipped data, and the calculations behind the book.",
    )
    p.add_argument("--version", action="version", version=f"ssekit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "claims",
        help="print the claims scorecard",
        description="Print every paper claim the book checks: reported value, reproduced value, rule and status "
        "(reproduced / differs / not checkable / surrogate). By default the values are computed now; "
        "--from-build reads the claims.json written by the last book build.",
    )
    c.add_argument("--from-build", metavar="PATH", nargs="?", const="_build/html/claims.json",
                   help="read a built claims.json (default path: _build/html/claims.json)")
    c.add_argument("--paper", choices=["chen2021", "mishra2023", "kim2025", "alabdali2022"], help="only this paper's claims")
    c.add_argument("--json", action="store_true", help="print JSON instead of a table")
    c.set_defaults(func=_cmd_claims)

    d = sub.add_parser(
        "data",
        help="list the shipped data sets and verify their checksums",
        description="List the data registry (file, rows, licence, DOI) and verify every file's sha256. "
        "Exits with status 1 if any checksum does not match.",
    )
    d.add_argument("--no-verify", action="store_true", help="list only, skip the checksum verification")
    d.add_argument("--citations", action="store_true", help="also print the full citation of each data set")
    d.set_defaults(func=_cmd_data)

    f = sub.add_parser("films", help="Chen et al. 2021 film-quality model",
                       description="Tools on the Chen et al. 2021 film data set (the real Table S1 if "
                       "$SSEKIT_CHEN_TABLE_S1 names it, else the labelled surrogate).")
    fsub = f.add_subparsers(dest="films_command", required=True, metavar="SUBCOMMAND")
    fc = fsub.add_parser(
        "classify",
        help="predict the quality class of slurry recipes",
        description="Predict the film quality class (1: high conductivity, low RD; 2: high conductivity, high RD; "
        "3: low conductivity) of one recipe or a CSV of recipes, with its probability, from a linear SVM "
        "trained on all films of the active data set. Recipes outside the range of the data are refused.",
    )
    fc.add_argument("--p", type=float, metavar="WT_PCT", help="polymer content P%% (wt%%)")
    fc.add_argument("--ls", type=float, metavar="UL_PER_MG", help="liquid-to-solid ratio L:S (uL/mg)")
    fc.add_argument("--xb", type=float, metavar="VOL_PCT", help="co-solvent ratio X:B (vol%% xylene)")
    fc.add_argument("--csv", metavar="FILE", help="CSV with columns P_pct, LS_uL_per_mg, XB_vol_pct (or P%%, L:S, X:B)")
    fc.add_argument("--out", metavar="FILE", help="write the predictions as CSV instead of printing them")
    fc.set_defaults(func=_cmd_films_classify)

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
        "when that is set; a saved model predicts 10,000 rows in a few seconds.",
    )
    cp.add_argument("input", help="CSV in the OBELiX format")
    cp.add_argument("--out", metavar="FILE", help="write the predictions as CSV (atomically)")
    cp.add_argument("--model-file", metavar="FILE", help="a model saved by 'ssekit conductivity train'")
    cp.set_defaults(func=_cmd_conductivity_predict)
    ct = csub.add_parser(
        "train", help="refit the predictor on your own table",
        description="Refit the predictor (same pipeline as the shipped one: descriptors, three heads, conformal "
        "calibration by chemical-system-grouped CV) on a table in the OBELiX CSV format with conductivities, and save "
        "it for 'ssekit conductivity predict --model-file'. '<x' conductivities are stored as 1e-15 S/cm (the OBELiX "
        "convention).",
    )
    ct.add_argument("table", help="CSV in the OBELiX format, with conductivities")
    ct.add_argument("--out", required=True, metavar="FILE", help="where to save the model (joblib)")
    ct.set_defaults(func=_cmd_conductivity_train)

    ce = sub.add_parser("cell", help="cell energy density and separator resistance (Kim et al. 2025)",
                        description="Per-area stack model of an all-solid-state cell; parameters from "
                        "ssekit/data/cells (see 'ssekit cell energy --help').")
    cesub = ce.add_subparsers(dest="cell_command", required=True, metavar="SUBCOMMAND")

    def common(sp):
        from .physics.cell import CONFIGS

        sp.add_argument("--config", default="ncm811_li", choices=sorted(CONFIGS),
                        help="cell configuration (default ncm811_li)")
        sp.add_argument("--params", metavar="CSV", help="your own configuration file (name,value,unit,source)")
        sp.add_argument("--set", action="append", metavar="NAME=VALUE",
                        help="override one parameter, in its file's unit (repeatable), e.g. --set areal_capacity=5")

    en = cesub.add_parser("energy", help="energy densities and separator ASR at given thickness(es)",
                          description="Cell- and stack-level Wh/kg and Wh/L and the separator's area-specific "
                          "resistance for one or more separator thicknesses.")
    common(en)
    en.add_argument("--se-thickness-um", type=float, nargs="+", required=True, metavar="UM",
                    help="separator thickness(es) in um")
    en.set_defaults(func=_cmd_cell_energy)
    th = cesub.add_parser("threshold", help="largest separator thickness that meets an energy target",
                          description="The largest separator thickness at which the cell reaches the target, or a "
                          "clear statement that none does (exit status 1).")
    common(th)
    th.add_argument("--target-wh-per-kg", type=float, metavar="WH_PER_KG")
    th.add_argument("--target-wh-per-l", type=float, metavar="WH_PER_L")
    th.add_argument("--stack", action="store_true", help="stack level (no packaging) instead of cell level")
    th.set_defaults(func=_cmd_cell_threshold)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input ends with one line on stderr and exit status 2."""
    from .errors import SsekitError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SsekitError as exc:
        words = ["ssekit", args.command] + [getattr(args, k) for k in ("films_command", "conductivity_command",
                                                                       "cell_command") if getattr(args, k, None)]
        message = " ".join(str(exc).split())  # one line, whatever the message's layout
        print(f"{' '.join(words)}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
