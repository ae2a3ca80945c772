"""looplint's language server: a thin LSP adapter over `looplint.engine`.

Start it with `looplint server` (stdio). The modules:

- `server`: what every feature shares (open documents, the analysis thread, the engines), `run_stdio()`;
- `features/`: the handlers, one module per feature, registered from one table (`features.FEATURES`);
- `scheduling`: when open documents are checked (debounce, superseded versions, one check per version);
- `protocol`: our own text synchronisation and error answers for malformed requests;
- `documents`: open documents with LSP line semantics and position encodings;
- `analysis`: per-folder engines, settings, checking buffers, keeping the last good result;
- `worker`: the single analysis thread with priorities (interactive work first);
- `convert`: engine diagnostics and edits <-> LSP types (the only place both meet);
- `actions`, `hover`: building code action edits and hover texts;
- `index`: the workspace index and which open files depend on a changed file;
- `settings`: the editor settings (`looplint.*`) and their mapping onto engine overrides;
- `logs`, `memory`, `capabilities`: logging to the client, garbage collection, reading capabilities.
"""
