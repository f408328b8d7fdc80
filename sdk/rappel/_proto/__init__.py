"""Code generated from `proto/rappel/v1/*.proto` by `make proto`
(scripts/gen_proto.py): do not edit by hand."""
