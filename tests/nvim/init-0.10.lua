-- looplint in Neovim 0.10 and later, with vim.lsp.start (vim.fs.root appeared in 0.10).
-- Put this in your init.lua; `looplint` must be on the PATH (or give the full path in `cmd`).
vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    vim.lsp.start({
      name = "looplint",
      cmd = { "looplint", "server" },
      root_dir = vim.fs.root(args.buf, { "pyproject.toml", "setup.cfg", "setup.py", ".git" }),
      settings = { looplint = { unsafeFixes = false } },  -- answers workspace/configuration
    })
  end,
})
