-- looplint in Neovim 0.7-0.9 (no vim.lsp.start before 0.8, no pull diagnostics before 0.10).
-- Put this in your init.lua; `looplint` must be on the PATH (or give the full path in `cmd`).
local looplint_clients = {}  -- one server per project root

local function project_root(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  for _, marker in ipairs({ "pyproject.toml", "setup.cfg", "setup.py", ".git" }) do
    local found = vim.fn.findfile(marker, vim.fn.fnamemodify(file, ":p:h") .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, vim.fn.fnamemodify(file, ":p:h") .. ";")
    end
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
  end
  return vim.fn.getcwd()
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    local root = project_root(args.buf)
    if not looplint_clients[root] then
      looplint_clients[root] = vim.lsp.start_client({
        name = "looplint",
        cmd = { "looplint", "server" },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        -- Optional: the same settings as VS Code's `looplint.*`.
        init_options = { settings = { unsafeFixes = false } },
      })
    end
    vim.lsp.buf_attach_client(args.buf, looplint_clients[root])
  end,
})
