-- Neovim's built-in LSP client drives `yamlcheck server`: open the file given
-- in YAMLCHECK_FILE, wait for its diagnostics, write vim.diagnostic.get() as
-- JSON to YAMLCHECK_OUT and quit.  vim.lsp.start where Neovim has it (0.8+),
-- start_client + buf_attach_client before that (Debian 12 ships 0.7).
local file = os.getenv("YAMLCHECK_FILE")
local out = os.getenv("YAMLCHECK_OUT")
local cmd = vim.json.decode(os.getenv("YAMLCHECK_CMD"))

local function dump(result)
  local handle = assert(io.open(out, "w"))
  handle:write(vim.json.encode(result))
  handle:close()
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buffer = vim.api.nvim_get_current_buf()
local config = {
  name = "yamlcheck",
  cmd = cmd,
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
}
if vim.lsp.start then
  vim.lsp.start(config)
else
  local client = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buffer, client)
end

local ok = vim.wait(30000, function()
  return #vim.diagnostic.get(buffer) > 0
end, 50)
local found = {}
for _, item in ipairs(vim.diagnostic.get(buffer)) do
  table.insert(found, {
    code = item.code or (item.user_data and item.user_data.lsp and item.user_data.lsp.code),
    lnum = item.lnum,
    col = item.col,
    end_lnum = item.end_lnum,
    end_col = item.end_col,
    severity = item.severity,
    source = item.source,
    message = item.message,
  })
end
dump({ ok = ok, diagnostics = found })
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.cmd("qa!")
