"""HTTP entry points: parse and validate, call one service, render or return."""
