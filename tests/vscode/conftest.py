# The VS Code tests are run by node (mk/vscode.mk), not pytest. The fixture project holds
# deliberately broken unittest modules for the editor to flag: pytest must not collect them.
collect_ignore = ["fixture"]
