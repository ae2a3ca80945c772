-- looplint in Neovim 0.11 and later: the built-in configurations (vim.lsp.config / vim.lsp.enable).
-- Put this in your init.lua; `looplint` must be on the PATH (or give the full path in `cmd`).
vim.lsp.config("looplint", {
  cmd = { "looplint", "server" },
  filetypes = { "python", "toml" },  -- "toml": also the diagnostics inside pyproject.toml
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
  settings = { looplint = {} },  -- answers workspace/configuration: the same keys as VS Code's looplint.*
})
vim.lsp.enable("looplint")
