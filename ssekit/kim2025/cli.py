"""Command-line logic of the cell model behind Kim et al. 2025: ``ssekit cell energy``, ``threshold``, ``power``.

Every option value goes through :data:`ssekit.validation.QUANTITIES`, so a
quantity has one range in every command that takes it; :mod:`ssekit.cli`
only wires the parser.

Examples
--------
>>> from ssekit.kim2025.cli import parse_set
>>> parse_set("se_sigma=0.1 S/m")
('se_sigma', (0.1, 'S/m'))
"""

from __future__ import annotations

import argparse
import sys


__all__ = ['add_commands', 'parse_set', 'cell_params', 'energy', 'threshold', 'power']


def parse_set(item: str) -> tuple[str, tuple[float, str] | float]:
    """``NAME=VALUE`` or ``NAME=VALUE UNIT`` (e.g. ``se_sigma=0.1 S/m``) from one --set option.

    Parameters
    ----------
    item : str

    Returns
    -------
    (str, float or (float, str))
    """
    import math
    import re

    from ..errors import InputError

    key, sep, rest = item.partition("=")
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(.*?)\s*", rest, re.IGNORECASE)
    if not sep or not key.strip() or m is None:
        raise InputError(f"--set takes NAME=NUMBER or NAME=NUMBER UNIT (e.g. areal_capacity=5 or se_sigma=0.1 S/m), "
                         f"got {item!r}")
    value = float(m.group(1))
    if not math.isfinite(value):
        raise InputError(f"--set {key.strip()}: {m.group(1)} is not a finite number")
    return key.strip(), ((value, m.group(2)) if m.group(2) else value)


def cell_params(args: argparse.Namespace):
    """The parameter set of ``--config``, ``--params`` and ``--set``, every value validated (notes printed)."""
    from ..errors import InputError
    from ..physics import cell

    overrides: dict = {}
    for item in args.set or []:
        key, value = parse_set(item)
        if key in overrides:
            raise InputError(f"--set {key} is given twice; give each parameter once")
        overrides[key] = value
    p = cell.load_config(args.config, overrides, path=args.params)
    for n in getattr(p, "notes", []):
        print(n, file=sys.stderr)
    return p


def _se_thickness_max() -> float:
    from ..validation import QUANTITIES

    return QUANTITIES["se_thickness_um"].high


def energy(args: argparse.Namespace) -> int:
    """``ssekit cell energy``: the energy table (0), or 2 for bad input."""
    from ..physics import cell
    from ..validation import check_quantity

    check_quantity("se_thickness_um", args.se_thickness_um)
    p = cell_params(args)
    r = cell.stack(p, args.se_thickness_um)
    print(f"{cell.CONFIGS.get(args.config, args.config)}, {'bipolar' if int(p['bipolar'].value) else 'monopolar'}")
    level = "geometric pouch" if int(p["packaging"].value) == 1 else "flat packaging fractions"
    print(f"cell level: {level}; Wh/L at the larger of the charged and discharged thickness")
    cols = ["se_thickness_um", "Wh_per_kg", "Wh_per_L", "stack_Wh_per_kg", "stack_Wh_per_L_discharged",
            "stack_Wh_per_L_charged", "pack_Wh_per_kg", "pack_Wh_per_L", "separator_ASR_ohm_cm2",
            "cathode_ionic_ohm_cm2"]
    print(r[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    return 0


def threshold(args: argparse.Namespace) -> int:
    """``ssekit cell threshold``: 0 with the thickness, 1 when no thickness meets the target, 2 for bad input."""
    from ..physics import cell
    from ..validation import check_quantity

    if (args.target_wh_per_kg is None) == (args.target_wh_per_l is None):
        print("ssekit cell threshold: give exactly one of --target-wh-per-kg, --target-wh-per-l", file=sys.stderr)
        return 2
    kind, target, unit = (("Wh_per_kg", args.target_wh_per_kg, "Wh/kg") if args.target_wh_per_kg is not None
                          else ("Wh_per_L", args.target_wh_per_l, "Wh/L"))
    p = cell_params(args)
    check_quantity(f"target_{kind}", target, "target")
    t = cell.threshold(p, target, kind if not args.stack else f"stack_{kind}")
    level = "stack" if args.stack else "cell"
    if t is None:
        best = float(cell.stack(p, 0.1)[kind if not args.stack else f"stack_{kind}"].iloc[0])
        print(f"no separator thickness reaches {target:g} {unit} ({level} level); "
              f"even 0.1 um gives {best:.0f} {unit}")
        return 1
    if t >= _se_thickness_max():
        print(f"{target:g} {unit} ({level} level) is met at every separator thickness up to "
              f"{_se_thickness_max():g} um, the largest considered")
        return 0
    print(f"{target:g} {unit} ({level} level) is met for separator thickness up to {t:.1f} um")
    return 0


def power(args: argparse.Namespace) -> int:
    """``ssekit cell power``: 0 with the thickness, 1 when no separator keeps the limit, 2 for bad input."""
    from ..physics import cell
    from ..validation import check_quantity

    check_quantity("c_rate", args.c_rate, "--c-rate")
    check_quantity("max_polarisation_v", args.max_polarisation_v, "--max-polarisation-v")
    if args.se_thickness_um:
        check_quantity("se_thickness_um", args.se_thickness_um)
    p = cell_params(args)
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


def add_commands(sub) -> None:
    """Add this paper's subcommands to the ``ssekit`` parser's subparsers ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    """
    ce = sub.add_parser("cell", help="cell energy density and separator resistance (Kim et al. 2025)",
                        description="Per-area stack model of an all-solid-state cell; parameters from "
                        "ssekit/data/cells (see 'ssekit cell energy --help').")
    cesub = ce.add_subparsers(dest="cell_command", required=True, metavar="SUBCOMMAND")

    def common(sp):
        from ..physics.cell import CONFIGS

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
    en.set_defaults(func=energy)
    th = cesub.add_parser("threshold", help="largest separator thickness that meets an energy target",
                          description="The largest separator thickness at which the cell reaches the target, or a "
                          "clear statement that none does (exit status 1).")
    common(th)
    th.add_argument("--target-wh-per-kg", type=float, metavar="WH_PER_KG")
    th.add_argument("--target-wh-per-l", type=float, metavar="WH_PER_L")
    th.add_argument("--stack", action="store_true", help="stack level (no packaging) instead of cell level")
    th.set_defaults(func=threshold)
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
    pw.set_defaults(func=power)
