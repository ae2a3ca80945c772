# Language server (server/looplint/lsp/, tests/lsp/, tests/nvim/, bench/lsp_bench.py): included by the root Makefile.
#
#   make nvim-deps    install Debian's Neovim (0.7) for the real-editor test (tests/nvim/) when it is missing
#   make lsp-test     the server's end-to-end tests (pytest-lsp, pull and push clients) and the Neovim test
#   make lsp-bench    latency, cold indexing and memory of the server (bench/lsp_bench.py; not part of `make test`)
#
# Uses the repository's .venv (made by the root Makefile); apt-get (as root) for Neovim.

LSP_PYTHON ?= .venv/bin/python

.PHONY: nvim-deps lsp-test lsp-bench

nvim-deps:
	@command -v nvim >/dev/null 2>&1 || { \
	  echo "installing Neovim from Debian"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q neovim >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q neovim >/dev/null; }; }
	@nvim --version | head -1

lsp-test: nvim-deps
	$(LSP_PYTHON) -m pytest tests/lsp tests/nvim -q

lsp-bench:
	$(LSP_PYTHON) bench/lsp_bench.py
