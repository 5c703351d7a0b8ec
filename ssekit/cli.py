"""Command line: ``ssekit`` (or ``python -m ssekit``).

Subcommands
-----------
claims   print the claims scorecard (fresh computation, or a built claims.json)
data     list the data registry and verify every checksum
films    classify slurry recipes with the Chen et al. 2021 film-quality model
conductivity  predict or train the ionic-conductivity predictor (any parsable composition, with intervals)
cell     energy density, separator thickness thresholds and rate limits (Kim et al. 2025)
microstructure  effective conductivity and tortuosity factor of a phase in a labelled 3D image
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
        payload = _read_claims_json(path)
        rows = payload["claims"]
        if args.paper:
            rows = [r for r in rows if r["paper"] == args.paper]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        df = pd.DataFrame(rows).reindex(columns=["id", "status", "reported", "reproduced", "unit", "note"]).set_index("id")
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


def _read_claims_json(path: Path) -> dict:
    """A built claims.json, or an InputError naming what is wrong with it (truncated, not ours)."""
    from .errors import InputError
    from .files import read_text

    text, notes = read_text(path, "claims.json")
    for n in notes:
        print(n, file=sys.stderr)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
                         "the file is truncated or not a claims.json - rebuild the book (scripts/book)") from None
    if (not isinstance(payload, dict) or not isinstance(payload.get("claims"), list)
            or not all(isinstance(r, dict) and {"id", "paper", "status"} <= set(r) for r in payload["claims"])):
        raise InputError(f"{path}: not a claims.json written by the book (needs a 'claims' list of records with "
                         "id, paper and status); rebuild the book (scripts/book)")
    return payload


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


def _recipes_from_csv(path: str, inputs: list[str]) -> pd.DataFrame:
    """Recipes from a user's CSV: the three inputs under any accepted header, other columns passed through."""
    from .chen2021.films import canonical_columns as canonical
    from .chen2021.films import header_unit_factors
    from .data import CleaningReport
    from .errors import InputError
    from .files import read_csv_file

    raw, notes = read_csv_file(path, "recipe CSV", dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=sys.stderr)
    mapping = {k: v for k, v in canonical(raw.columns).items() if v in inputs}
    missing = [c for c in inputs if c not in mapping.values()]
    if missing:
        raise InputError(f"{path} lacks column(s) {missing} (accepted headers e.g. 'P%', 'L:S', 'X:B'); "
                         f"found {list(map(str, raw.columns))}")
    rep = CleaningReport(str(path))
    factors = header_unit_factors(raw, mapping, str(path), rep)
    for col, what, _ in rep.steps:
        print(f"note: {path}: {what}", file=sys.stderr)
    recipes = raw.rename(columns=mapping)
    for col, f in factors.items():
        recipes[col] = pd.to_numeric(recipes[col].str.strip(), errors="coerce").mul(f).astype(object).where(
            recipes[col].str.strip() != "", recipes[col])
    dup = recipes[inputs].duplicated()
    if dup.any():
        print(f"note: {path}: data row(s) {[int(i) + 1 for i in recipes.index[dup][:8]]} repeat an earlier recipe "
              "(predicted again)", file=sys.stderr)
    return recipes


def _cmd_films_classify(args: argparse.Namespace) -> int:
    from .chen2021 import analysis as chen2021
    from .errors import InputError
    from .files import write_csv
    from .ml import filmclass as filmml
    from .validation import check_range

    if args.out:
        _check_out(args.out)
    if args.csv:
        recipes = _recipes_from_csv(args.csv, filmml.INPUTS)
        where = f"{args.csv}, "
    elif None not in (args.p, args.ls, args.xb):
        recipes = pd.DataFrame({"P_pct": [args.p], "LS_uL_per_mg": [args.ls], "XB_vol_pct": [args.xb]})
        where = ""
    else:
        print("ssekit films classify: give --p, --ls and --xb, or --csv FILE", file=sys.stderr)
        return 2
    a = chen2021.analysis()
    df = a.df
    units = {"P_pct": "wt%", "LS_uL_per_mg": "uL/mg", "XB_vol_pct": "vol% xylene"}
    outputs = ["class", "probability", "training_data"]
    clash = [c for c in recipes.columns if c in outputs or str(c).startswith("p_class")]
    if clash:
        raise InputError(f"{where}column(s) {clash} would be overwritten by the predictions; rename them")
    for col in filmml.INPUTS:
        text = recipes[col].astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce")
        if values.isna().any():
            bad = values.index[values.isna()]
            shown = [str(recipes[col][i]) for i in bad[:5]]
            if not args.csv:
                raise InputError(f"{col} must be a number in {units[col]}; got {shown[0]}")
            raise InputError(f"{where}column {col} ({units[col]}) must hold numbers; data row(s) "
                             f"{[int(i) + 1 for i in bad[:5]]} hold {shown}")
        try:
            check_range(col, values, units[col], float(df[col].min()), float(df[col].max()))
        except InputError as exc:
            rows = [int(i) + 1 for i in values.index[(values < df[col].min()) | (values > df[col].max())][:5]]
            raise InputError(f"{where}{'data row(s) ' + str(rows) + ': ' if args.csv else ''}{exc} "
                             f"(the range covered by the {a.data.label})") from None
        recipes[col] = values.astype(float)
    model = filmml.fit_classifier(df, a.classes, seed=chen2021.SEED)
    proba = model.predict_proba(recipes[filmml.INPUTS])
    out = recipes.copy()
    out["class"] = model.classes_[proba.argmax(axis=1)]
    out["probability"] = proba.max(axis=1).round(3)
    for i, c in enumerate(model.classes_):
        out[f"p_class{c}"] = proba[:, i].round(3)
    out["training_data"] = a.data.data_kind
    label = (f"SURROGATE-based prediction: the model is trained on {len(df)} films of SURROGATE data, not the "
             "paper's (set SSEKIT_CHEN_TABLE_S1 to the real Table S1)" if a.data.is_surrogate
             else f"prediction from a model trained on {len(df)} films of {a.data.label}")
    print(f"model: linear SVM + oversampling; {label}", file=sys.stderr)
    if args.out:
        write_csv(out, args.out)
        print(f"wrote {len(out)} predictions to {args.out} (column training_data = {a.data.data_kind})",
              file=sys.stderr)
    else:
        print(f"# {label}")
        print(out.to_string(index=False))
    return 0


def _check_out(path: str) -> None:
    """Refuse an --out path that cannot be written, before any work is done."""
    from .files import check_output_path

    check_output_path(path)


def _read_rows(path: str):
    """Cleaned OBELiX-format rows of a user's CSV file (blank lattice or conductivity allowed)."""
    from .errors import InputError
    from .files import read_csv_file
    from .ml import conductivity

    raw, notes = read_csv_file(path, "OBELiX-format CSV", dtype=str, keep_default_na=False)
    for n in notes:
        print(n, file=sys.stderr)
    try:
        return conductivity.rows_from_csv_frame(raw, path)
    except InputError as exc:  # name the file in the one-line message
        msg = str(exc)
        raise type(exc)(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None


def _cmd_conductivity_predict(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .files import write_csv
    from .ml import conductivity
    from .ml.modelfile import load_model

    if args.out:
        _check_out(args.out)
    rows = _read_rows(args.input)
    if args.model_file:
        bundle = load_model(args.model_file)
        if not isinstance(bundle.get("model"), conductivity.ConductivityModel):
            raise InputError(f"{args.model_file}: not a conductivity model saved by 'ssekit conductivity train'")
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
    if args.out and len(out):
        write_csv(out, args.out)
        print(f"wrote {len(out)} predictions to {args.out}; {len(refused)} row(s) refused", file=sys.stderr)
    elif len(out):
        print(out.to_string(index=False))
    return 0 if len(out) else 1


def _cmd_conductivity_train(args: argparse.Namespace) -> int:
    from . import __version__
    from .errors import InputError
    from .ml import conductivity
    from .ml.modelfile import save_model

    _check_out(args.out)
    rows = _read_rows(args.table)
    n_labelled = int(rows["sigma_S_per_cm"].notna().sum())
    if n_labelled < 20:
        raise InputError(f"{args.table}: only {n_labelled} rows with a conductivity (need at least 20)")
    model = conductivity.train(rows)
    save_model({"name": "three-head extra-trees predictor", "model": model, "rows": model.n_rows_,
                "features": "composition, cell, Ea (see ssekit.ml.conductivity)", "ssekit_version": __version__},
               args.out)
    n_cens = int(rows["sigma_censored"].sum())
    print(f"trained the three-head predictor on {model.n_rows_} rows ({n_cens} with a conductivity given only as a "
          f"bound, stored as 1e-15 S/cm; {len(rows) - n_labelled} without a conductivity left out); heads: "
          + ", ".join(f"{h} {n} rows" for h, n in model.n_train_.items())
          + f"; saved to {args.out}")
    return 0


def _parse_set(item: str) -> tuple[str, tuple[float, str] | float]:
    """``NAME=VALUE`` or ``NAME=VALUE UNIT`` (e.g. ``se_sigma=0.1 S/m``) from one --set option."""
    import math
    import re

    from .errors import InputError

    key, sep, rest = item.partition("=")
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(.*?)\s*", rest, re.IGNORECASE)
    if not sep or not key.strip() or m is None:
        raise InputError(f"--set takes NAME=NUMBER or NAME=NUMBER UNIT (e.g. areal_capacity=5 or se_sigma=0.1 S/m), "
                         f"got {item!r}")
    value = float(m.group(1))
    if not math.isfinite(value):
        raise InputError(f"--set {key.strip()}: {m.group(1)} is not a finite number")
    return key.strip(), ((value, m.group(2)) if m.group(2) else value)


def _cell_params(args: argparse.Namespace):
    from .errors import InputError
    from .physics import cell

    overrides: dict = {}
    for item in args.set or []:
        key, value = _parse_set(item)
        if key in overrides:
            raise InputError(f"--set {key} is given twice; give each parameter once")
        overrides[key] = value
    p = cell.load_config(args.config, overrides, path=args.params)
    for n in getattr(p, "notes", []):
        print(n, file=sys.stderr)
    return p


#: Separator thicknesses the command accepts (um): thinner than 0.1 um is no
#: separator (and usually a value in metres); 5 mm is beyond any pellet.
SE_THICKNESS_RANGE_UM = (0.1, 5000.0)


def _cmd_cell_energy(args: argparse.Namespace) -> int:
    from .physics import cell
    from .validation import check_range

    check_range("se_thickness_um", args.se_thickness_um, "um", *SE_THICKNESS_RANGE_UM)
    p = _cell_params(args)
    r = cell.stack(p, args.se_thickness_um)
    print(f"{cell.CONFIGS.get(args.config, args.config)}, {'bipolar' if int(p['bipolar'].value) else 'monopolar'}")
    level = "geometric pouch" if int(p["packaging"].value) == 1 else "flat packaging fractions"
    print(f"cell level: {level}; Wh/L at the larger of the charged and discharged thickness")
    cols = ["se_thickness_um", "Wh_per_kg", "Wh_per_L", "stack_Wh_per_kg", "stack_Wh_per_L_discharged",
            "stack_Wh_per_L_charged", "pack_Wh_per_kg", "pack_Wh_per_L", "separator_ASR_ohm_cm2",
            "cathode_ionic_ohm_cm2"]
    print(r[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return 0


def _cmd_cell_threshold(args: argparse.Namespace) -> int:
    from .physics import cell
    from .validation import check_range

    if (args.target_wh_per_kg is None) == (args.target_wh_per_l is None):
        print("ssekit cell threshold: give exactly one of --target-wh-per-kg, --target-wh-per-l", file=sys.stderr)
        return 2
    kind, target, unit = (("Wh_per_kg", args.target_wh_per_kg, "Wh/kg") if args.target_wh_per_kg is not None
                          else ("Wh_per_L", args.target_wh_per_l, "Wh/L"))
    p = _cell_params(args)
    check_range("target", target, unit, 0, 5000, low_inclusive=False)  # no cell chemistry comes near 5000
    t = cell.threshold(p, target, kind if not args.stack else f"stack_{kind}")
    level = "stack" if args.stack else "cell"
    if t is None:
        best = float(cell.stack(p, 0.1)[kind if not args.stack else f"stack_{kind}"].iloc[0])
        print(f"no separator thickness reaches {target:g} {unit} ({level} level); "
              f"even 0.1 um gives {best:.0f} {unit}")
        return 1
    if t >= SE_THICKNESS_RANGE_UM[1]:
        print(f"{target:g} {unit} ({level} level) is met at every separator thickness up to "
              f"{SE_THICKNESS_RANGE_UM[1]:g} um, the largest considered")
        return 0
    print(f"{target:g} {unit} ({level} level) is met for separator thickness up to {t:.1f} um")
    return 0


def _cmd_microstructure_transport(args: argparse.Namespace) -> int:
    from .physics import microstructure as ms

    img = ms.read_image(args.image)
    t = ms.image_transport(img, args.phase, "xyz".index(args.axis))
    out = {"volume_fraction": t.volume_fraction, "percolating_fraction": t.percolating_fraction,
           "sigma_eff": t.sigma_eff, "tortuosity_factor": t.tortuosity_factor}
    if args.json:
        print(json.dumps({**out, "phase": args.phase, "axis": args.axis, "shape": list(img.shape)}))
    else:
        print(f"{args.image}: {'x'.join(map(str, img.shape))} voxels, phase {args.phase}, current along {args.axis}")
        for k, v in out.items():
            print(f"{k:22s} {v:.6g}")
    return 0


def _cmd_cell_power(args: argparse.Namespace) -> int:
    from .physics import cell

    p = _cell_params(args)
    t = cell.max_separator_thickness(p, args.c_rate, args.max_polarisation_v)
    r = cell.power(p, args.se_thickness_um or [10.0, 30.0, 100.0], args.c_rate)
    print(f"{cell.CONFIGS.get(args.config, args.config)} at {args.c_rate:g}C "
          f"({float(r['current_mA_cm2'].iloc[0]):.3g} mA/cm2); ionic paths only, cathode composite by Bruggeman")
    print(r.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if t is None:
        print(f"no separator keeps the polarisation under {args.max_polarisation_v:g} V at {args.c_rate:g}C: "
              f"the cathode composite alone exceeds it")
        return 1
    print(f"largest separator keeping the polarisation under {args.max_polarisation_v:g} V at {args.c_rate:g}C: "
          f"{t:.1f} um")
    return 0
_MODEL_FILE_NOTE = ("A model file is code (a pickle: loading it can run anything), so load only files you made: "
                    "ssekit loads only files that carry the header and checksum it writes, and refuses any other "
                    "file before unpickling it.")


def _film_data_note() -> str:
    """Which film data the classifier will be trained on, from the environment (nothing is loaded)."""
    import os

    from .chen2021.films import ENV_VAR

    path = os.environ.get(ENV_VAR, "").strip()
    if path:
        return f"Currently trained on the real Table S1 named by ${ENV_VAR} ({path})."
    return (f"Currently SURROGATE-based: ${ENV_VAR} is not set, so the model is trained on the labelled surrogate "
            "data, not the paper's films, and every prediction is labelled so.")


def build_parser() -> argparse.ArgumentParser:
    """The ``ssekit`` argument parser with every subcommand."""
    from . import __version__
    from .claims.registry import paper_keys

    p = argparse.ArgumentParser(
        prog="ssekit",
        description="Executable reproduction of papers on thin sulfide solid-electrolyte films: "
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
    c.add_argument("--paper", choices=paper_keys(), help="only this paper's claims (the papers of ssekit/data/papers.toml)")
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
        "trained on all films of the active data set. Recipes outside the range of the data are refused. "
        + _film_data_note(),
    )
    fc.add_argument("--p", type=float, metavar="WT_PCT", help="polymer content P%% (wt%%)")
    fc.add_argument("--ls", type=float, metavar="UL_PER_MG", help="liquid-to-solid ratio L:S (uL/mg)")
    fc.add_argument("--xb", type=float, metavar="VOL_PCT", help="co-solvent ratio X:B (vol%% xylene)")
    fc.add_argument("--csv", metavar="FILE", help="CSV with columns P_pct, LS_uL_per_mg, XB_vol_pct (or P%%, L:S, X:B)")
    fc.add_argument("--out", metavar="FILE", help="write the predictions as CSV instead of printing them (written "
                    "atomically; a column training_data says 'surrogate' or 'real data'; text cells starting with "
                    "= + - @ are prefixed with ' so that spreadsheets do not run them)")
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
    cp.add_argument("--model-file", metavar="FILE", help="a model saved by 'ssekit conductivity train'. " + _MODEL_FILE_NOTE)
    cp.set_defaults(func=_cmd_conductivity_predict)
    ct = csub.add_parser(
        "train", help="refit the predictor on your own table",
        description="Refit the predictor (same pipeline as the shipped one: descriptors, three heads, conformal "
        "calibration by chemical-system-grouped CV) on a table in the OBELiX CSV format with conductivities, and save "
        "it for 'ssekit conductivity predict --model-file'. '<x' conductivities are stored as 1e-15 S/cm (the OBELiX "
        "convention).",
    )
    ct.add_argument("table", help="CSV in the OBELiX format, with conductivities")
    ct.add_argument("--out", required=True, metavar="FILE", help="where to save the model (joblib with an ssekit "
                    "header and checksum, written atomically). " + _MODEL_FILE_NOTE)
    ct.set_defaults(func=_cmd_conductivity_train)

    ce = sub.add_parser("cell", help="cell energy density and separator resistance (Kim et al. 2025)",
                        description="Per-area stack model of an all-solid-state cell; parameters from "
                        "ssekit/data/cells (see 'ssekit cell energy --help').")
    cesub = ce.add_subparsers(dest="cell_command", required=True, metavar="SUBCOMMAND")

    def common(sp):
        from .physics.cell import CONFIGS

        sp.add_argument("--config", default="ncm811_li", choices=sorted(CONFIGS),
                        help="cell configuration (default ncm811_li)")
        sp.add_argument("--params", metavar="CSV", help="your own configuration file (name,value,unit,source); "
                        "each name once, units as in the shipped files or converted with a note, else refused")
        sp.add_argument("--set", action="append", metavar="NAME=VALUE",
                        help="override one parameter (repeatable, each once), in its file's unit, e.g. --set "
                        "areal_capacity=5, or with a unit that is then converted and noted, e.g. --set "
                        "'se_sigma=0.1 S/m'; every value is checked against its allowed range")

    en = cesub.add_parser("energy", help="energy densities and separator ASR at given thickness(es)",
                          description="Cell- and stack-level Wh/kg and Wh/L and the separator's area-specific "
                          "resistance for one or more separator thicknesses.")
    common(en)
    en.add_argument("--se-thickness-um", type=float, nargs="+", required=True, metavar="UM",
                    help="separator thickness(es) in um, from 0.1 to 5000")
    en.set_defaults(func=_cmd_cell_energy)
    th = cesub.add_parser("threshold", help="largest separator thickness that meets an energy target",
                          description="The largest separator thickness at which the cell reaches the target, or a "
                          "clear statement that none does (exit status 1).")
    common(th)
    th.add_argument("--target-wh-per-kg", type=float, metavar="WH_PER_KG")
    th.add_argument("--target-wh-per-l", type=float, metavar="WH_PER_L")
    th.add_argument("--stack", action="store_true", help="stack level (no packaging) instead of cell level")
    th.set_defaults(func=_cmd_cell_threshold)
    pw = cesub.add_parser("power", help="largest separator thickness for a C-rate under a polarisation limit",
                          description="Ionic polarisation at a C-rate (separator ASR plus the cathode composite's "
                          "ionic resistance L/(3 sigma_eff), Bruggeman) and the largest separator thickness that keeps "
                          "it under a limit (exit status 1 when none does).")
    common(pw)
    pw.add_argument("--c-rate", type=float, default=1.0, metavar="C", help="discharge rate in 1/h (default 1)")
    pw.add_argument("--max-polarisation-v", type=float, default=0.1, metavar="V",
                    help="allowed ionic polarisation in V (default 0.1)")
    pw.add_argument("--se-thickness-um", type=float, nargs="+", metavar="UM",
                    help="also tabulate these separator thicknesses (default 10 30 100)")
    pw.set_defaults(func=_cmd_cell_power)
    ms = sub.add_parser("microstructure", help="effective transport of a phase in a labelled 3D image",
                        description="Voxel calculations of ssekit.physics.microstructure on your own images.")
    mssub = ms.add_subparsers(dest="microstructure_command", required=True, metavar="SUBCOMMAND")
    mt = mssub.add_parser(
        "transport", help="volume fraction, percolation, sigma_eff and tortuosity factor of one phase",
        description="Read a labelled 3D image (.npy; .tif/.tiff stacks need tifffile), take voxels equal to --phase "
        "as the only conducting phase, impose potentials 1 and 0 on the two faces normal to --axis (Dirichlet, "
        "half-voxel conductances), leave the four side faces insulated (zero flux), drop voxels not connected to both "
        "electrodes, and solve the finite-volume Laplace equation (AMG-preconditioned conjugate gradients). Prints "
        "the phase's volume fraction eps, percolating fraction, sigma_eff (relative to the phase's own conductivity) "
        "and tortuosity factor tau = eps / sigma_eff (TauFactor's definition with the same boundary conditions; "
        "straight channels give 1).")
    mt.add_argument("image", help="labelled 3D image, .npy (or .tif/.tiff with tifffile installed)")
    mt.add_argument("--phase", type=int, required=True, metavar="N", help="label of the conducting phase")
    mt.add_argument("--axis", choices=["x", "y", "z"], default="z", help="direction of the current (default z)")
    mt.add_argument("--json", action="store_true", help="print one JSON object")
    mt.set_defaults(func=_cmd_microstructure_transport)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; bad input ends with one line on stderr and exit status 2."""
    from .errors import SsekitError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SsekitError as exc:
        words = ["ssekit", args.command] + [getattr(args, k) for k in ("films_command", "conductivity_command",
                                                                       "cell_command", "microstructure_command")
                                                                       if getattr(args, k, None)]
        message = " ".join(str(exc).split())  # one line, whatever the message's layout
        print(f"{' '.join(words)}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
