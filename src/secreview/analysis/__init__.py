"""The analyses over a parsed module, in layers that only use the layers below them:

- `models/`: what library APIs do (sources, sinks, sanitisers), as TOML data;
- `taint/`: the data-flow engine, which knows models but no rule;
- `rule.py`: the small typed API every rule is written against;
- `rules/`: every rule, one concern per module, pattern and taint alike;
- `engine.py`: runs the rules over one module and turns their hits into findings.
"""
