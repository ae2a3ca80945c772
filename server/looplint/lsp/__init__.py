"""looplint's language server: a thin LSP adapter over `looplint.engine`.

Start it with `looplint server` (stdio). The modules:

- `server`: the pygls server, its handlers and `run_stdio()`;
- `protocol`: our own text synchronisation and error answers for malformed requests;
- `documents`: open documents with LSP line semantics and position encodings;
- `analysis`: per-folder engines, settings, checking buffers, keeping the last good result;
- `worker`: the single analysis thread with priorities (interactive work first);
- `convert`: engine diagnostics and edits <-> LSP types (the only place both meet);
- `actions`, `hover`: code actions and hovers;
- `index`: the workspace index and which open files depend on a changed file;
- `settings`: the editor settings (`looplint.*`) and their mapping onto engine overrides.
"""
