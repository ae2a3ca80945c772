-- Run after a user configuration (-u init-0.7.lua): wait for looplint's diagnostics in the
-- current buffer and write them to $LOOPLINT_OUT as JSON.
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(found, { lnum = d.lnum, col = d.col, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code })
end
local handle = assert(io.open(vim.env.LOOPLINT_OUT, "w"))
handle:write(vim.fn.json_encode({ ok = ok, diagnostics = found, clients = #vim.lsp.get_active_clients() }))
handle:close()
vim.cmd("qall!")
