# The fixture project is data for the Neovim test, not tests to collect.
collect_ignore = ["fixture"]
