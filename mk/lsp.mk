# Language server (server/looplint/lsp/, tests/lsp/, tests/nvim/, bench/lsp_bench.py): included by the root Makefile.
#
#   make nvim-deps    install Debian's Neovim (0.7), Emacs with eglot and tmux for the real-editor tests
#                     (tests/nvim/) when they are missing (when it cannot, those tests fail and say so),
#                     then `make editors`
#   make editors      Helix and a current Neovim (0.12) from Debian sid's binary packages, unpacked under
#                     .cache/editors/ (scripts/provision_editors.py; cached: no network once there)
#   make lsp-test     the server's end-to-end tests (pytest-lsp, pull and push clients) and the editor tests
#   make lsp-bench    latency, cold indexing and memory of the server (bench/lsp_bench.py; not part of `make test`;
#                     LSP_BENCH_ARGS=--strict makes a missed target an error)
#
# Uses the repository's .venv (made by the root Makefile).

LSP_PYTHON ?= .venv/bin/python
LSP_BENCH_ARGS ?=

.PHONY: nvim-deps editors lsp-test lsp-bench

# Debian packages of the real editors the tests drive: Neovim 0.7 and Emacs 28 with eglot; tmux is
# the terminal Helix runs in.
LSP_EDITOR_PACKAGES := neovim emacs-nox elpa-eglot tmux

nvim-deps: editors
	@if command -v nvim >/dev/null 2>&1 && command -v emacs >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1 \
	    && ls /usr/share/emacs/site-lisp/elpa | grep -q '^eglot-'; then nvim --version | head -1; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing the editors for tests/nvim (apt-get install $(LSP_EDITOR_PACKAGES))"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(LSP_EDITOR_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(LSP_EDITOR_PACKAGES) >/dev/null 2>&1; } || \
	  echo "warning: could not install $(LSP_EDITOR_PACKAGES); tests/nvim will fail"; \
	else echo "warning: the editors are missing and cannot be installed here (apt-get as root); tests/nvim will fail"; fi

editors:
	@$(PYTHON) scripts/provision_editors.py

lsp-test: nvim-deps
	$(LSP_PYTHON) -m pytest tests/lsp tests/nvim -q

lsp-bench:
	$(LSP_PYTHON) bench/lsp_bench.py $(LSP_BENCH_ARGS)
