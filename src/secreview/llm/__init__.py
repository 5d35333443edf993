"""The optional LLM stage (`--llm`, `pip install 'secreview[llm]'`): review and triage, grounded.

- `client`: OpenAI-compatible chat completions over httpx (retries, budget, concurrency);
- `cache`: every answer in SQLite under the user cache folder (`--llm-offline` reads only it);
- `chunks`, `prompts`: the code fenced as hostile data, masked, cut by function;
- `grounding`: a claim holds only when its lines, quoted code and CWE do;
- `review`: defects no rule found, voted across samples; `triage`: verdicts on static findings;
- `summary`: what the stage spent and refused; `stage`: runs it over a ScanResult;
- `inference`, `model_files`: models suggested for unknown APIs, written as a TOML model file.

Nothing here runs unless the command line asks for it, and nothing leaves the machine unless a
request is really sent (offline runs never import httpx).
"""
