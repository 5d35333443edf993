"""What several rules share: name words, local bindings, Django settings, web handlers, taint hits.

Nothing here is a rule. The registry in `secreview.analysis.rules` skips this package (its name
starts with an underscore), so every module outside it is a rule module and every module inside
it is support that rule modules import.
"""
