"""What is known about a module before any rule runs: its resolved names, scopes, imports and
constants (`context`), and the facts the scanner plans the cross-module pass with (`facts`)."""
