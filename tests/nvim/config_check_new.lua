-- Run after a user configuration for Neovim 0.11+ (-u init-0.11.lua): wait for looplint's (pulled)
-- diagnostics in the current buffer, ask for the hover and the code lenses at the diagnostic, run
-- the lens's command (the server applies the fix with workspace/applyEdit), save, and write what
-- happened to $LOOPLINT_OUT as JSON.
local out = {}
local function finish()
  local handle = assert(io.open(vim.env.LOOPLINT_OUT, "w"))
  handle:write(vim.json.encode(out))
  handle:close()
  vim.cmd("qall!")
end

out.nvim = tostring(vim.version())
out.ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, source = d.source, code = d.code })
end
local clients = vim.lsp.get_clients({ bufnr = 0, name = "looplint" })
out.clients = #clients
if not out.ok or #clients ~= 1 then
  return finish()
end
local client = clients[1]
out.pull = client.server_capabilities.diagnosticProvider ~= nil
local first = vim.diagnostic.get(0)[1]
local position = { textDocument = vim.lsp.util.make_text_document_params(0), position = { line = first.lnum, character = first.col } }
local hover = client:request_sync("textDocument/hover", position, 20000, 0)
out.hover = hover and hover.result and hover.result.contents.value or vim.inspect(hover)
local lenses = client:request_sync("textDocument/codeLens", { textDocument = position.textDocument }, 20000, 0)
out.lenses = {}
for _, lens in ipairs((lenses and lenses.result) or {}) do
  table.insert(out.lenses, lens.command.title)
end
if lenses and lenses.result and lenses.result[1] then
  local done = client:request_sync("workspace/executeCommand", lenses.result[1].command, 20000, 0)
  out.applied = done and done.result and done.result.applied
  vim.cmd("write")
  out.after = vim.wait(30000, function() return #vim.diagnostic.get(0) == 0 end, 50)
end
finish()
