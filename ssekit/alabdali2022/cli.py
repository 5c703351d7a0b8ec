"""Command-line logic of the voxel transport calculation (Alabdali et al. 2022): ``ssekit microstructure transport``.

Examples
--------
>>> import argparse
>>> from ssekit.alabdali2022.cli import add_commands
>>> p = argparse.ArgumentParser(prog="ssekit"); add_commands(p.add_subparsers(dest="command"))
>>> p.parse_args(["microstructure", "transport", "img.npy", "--phase", "1"]).axis
'z'
"""

from __future__ import annotations

import argparse
import sys

import json

__all__ = ['add_commands', 'transport']


def transport(args: argparse.Namespace) -> int:
    """``ssekit microstructure transport``: volume fraction, percolation, sigma_eff and tortuosity (0), or 2."""
    from ..physics import microstructure as ms

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


def add_commands(sub) -> None:
    """Add this paper's subcommands to the ``ssekit`` parser's subparsers ``sub``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    """
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
    mt.set_defaults(func=transport)
