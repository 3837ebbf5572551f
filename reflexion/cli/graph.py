"""``reflexion graph``: draw the loop as Mermaid text and ASCII art, or as a PNG (offline, Graphviz)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reflexion.cli.common import console
from reflexion.domains import domain_names, get_domain
from reflexion.errors import SettingsError
from reflexion.graphs import build_graph


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("graph", help="draw the loop (Mermaid, ASCII, PNG)", description=__doc__)
    p.add_argument("--domain", help=f"draw the graph as built for this domain (its actor subgraph, if any): {', '.join(domain_names())}")
    p.add_argument("--xray", action="store_true", help="expand subgraphs (e.g. a ReAct actor)")
    p.add_argument("--png", metavar="FILE", type=Path, help="also write a PNG picture (needs pygraphviz: the [png] extra)")
    p.add_argument("--format", choices=("both", "mermaid", "ascii"), default="both", help="what to print (default: both)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    drawing = build_graph(domain=get_domain(args.domain) if args.domain else None).get_graph(xray=args.xray)
    if args.format in ("both", "mermaid"):
        print(drawing.draw_mermaid())
    if args.format in ("both", "ascii"):
        print(drawing.draw_ascii())
    if args.png:
        try:
            drawing.draw_png(str(args.png))
        except ImportError:
            raise SettingsError('writing a PNG needs pygraphviz: pip install -e ".[png]" (and apt-get install graphviz libgraphviz-dev)') from None
        console.print(f"wrote {args.png}")
    return 0
