-- Headless Neovim (0.7+) as a real LSP client of `looplint server`.
--
-- nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/e2e.lua"
--
-- Environment: LOOPLINT_CMD (JSON list: the server command), LOOPLINT_ROOT (project root),
-- LOOPLINT_FILE (the test module to open), LOOPLINT_CODE (the rule whose quick fix to apply),
-- LOOPLINT_OUT (where to write the JSON result).
--
-- Opens the file, waits for the server's (pushed) diagnostics, hovers the first diagnostic of
-- LOOPLINT_CODE, asks for its code actions with the line's diagnostics as the context (as
-- `vim.lsp.buf.code_action()` does), resolves the quick fix if its edit was deferred, applies
-- the WorkspaceEdit, saves the file, and waits for that diagnostic to go away.

local result = { steps = {} }
local out = vim.env.LOOPLINT_OUT

local function finish(err)
  result.error = err
  local handle = assert(io.open(out, "w"))
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd("qall!")
end

local function step(name)
  table.insert(result.steps, name)
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(found, lsp.code or d.code or "")
  end
  return found
end

local function count_code(bufnr, code)
  local n = 0
  for _, c in ipairs(codes(bufnr)) do
    if c == code then
      n = n + 1
    end
  end
  return n
end

local function main()
  local cmd = vim.fn.json_decode(vim.env.LOOPLINT_CMD)
  local root = vim.env.LOOPLINT_ROOT
  local code = vim.env.LOOPLINT_CODE
  result.nvim = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch)

  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.LOOPLINT_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "python"

  local client_id = vim.lsp.start_client({
    name = "looplint",
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "project" } },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)
  step("attached")

  if not vim.wait(30000, function() return count_code(bufnr, code) > 0 end, 50) then
    return finish("no " .. code .. " diagnostic arrived; got: " .. vim.inspect(codes(bufnr)))
  end
  local diagnostic
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if (d.user_data and d.user_data.lsp and d.user_data.lsp.code) == code then
      diagnostic = diagnostic or d
    end
  end
  result.codes = codes(bufnr)
  result.diagnostic = {
    lnum = diagnostic.lnum, col = diagnostic.col, end_lnum = diagnostic.end_lnum, end_col = diagnostic.end_col,
    message = diagnostic.message, source = diagnostic.source, severity = diagnostic.severity,
  }
  step("diagnostics")

  local uri = vim.uri_from_bufnr(bufnr)
  local client = vim.lsp.get_client_by_id(client_id)
  local encoding = client.offset_encoding or "utf-16"
  local position = { line = diagnostic.lnum, character = diagnostic.col }  -- byte column (ASCII before it)

  local hover = vim.lsp.buf_request_sync(bufnr, "textDocument/hover",
    { textDocument = { uri = uri }, position = position }, 15000)
  local answer = hover and hover[client_id]
  if not answer or not answer.result then
    return finish("no hover: " .. vim.inspect(answer))
  end
  result.hover = answer.result.contents.value
  step("hover")

  local context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, diagnostic.lnum) }
  local params = {
    textDocument = { uri = uri },
    range = { start = position, ["end"] = position },
    context = context,
  }
  local actions = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 15000)
  actions = actions and actions[client_id] and actions[client_id].result or {}
  result.titles = {}
  local chosen
  for _, action in ipairs(actions) do
    table.insert(result.titles, action.title)
    local about = action.diagnostics and action.diagnostics[1] and action.diagnostics[1].code
    if not chosen and action.kind == "quickfix" and about == code and not action.title:match("^Suppress") then
      chosen = action
    end
  end
  if not chosen then
    return finish("no quick fix for " .. code .. " among " .. vim.inspect(result.titles))
  end
  result.chosen = chosen.title
  if not chosen.edit then
    local resolved = vim.lsp.buf_request_sync(bufnr, "codeAction/resolve", chosen, 15000)
    chosen = resolved and resolved[client_id] and resolved[client_id].result
    if not chosen or not chosen.edit then
      return finish("codeAction/resolve gave no edit: " .. vim.inspect(resolved))
    end
    result.resolved = true
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, encoding)
  -- A fix may edit other files too (a migration of the base class): Neovim loads them into buffers.
  -- With filetype detection (as every user has it) those buffers get the client attached, which
  -- tells the server their new text; this headless run has none, so attach them here. Then save all.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if buf ~= bufnr and vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_name(buf):match("%.py$") then
      vim.lsp.buf_attach_client(buf, client_id)
    end
  end
  vim.cmd("wall")
  step("fixed")

  local before = count_code(bufnr, code)
  if not vim.wait(30000, function() return count_code(bufnr, code) < before end, 50) then
    return finish("the " .. code .. " diagnostic did not go away: " .. vim.inspect(codes(bufnr)))
  end
  result.codes_after = codes(bufnr)
  step("diagnostics updated")
  vim.lsp.stop_client(client_id)
  finish(nil)
end

local ok, err = pcall(main)
if not ok then
  finish("lua error: " .. tostring(err))
end
