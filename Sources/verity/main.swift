// The `verity` executable — placeholder until the REPL lands.
print("verity: under construction")
