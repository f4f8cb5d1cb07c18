"""The catalogue: reading, checking, storing and writing items and bundles in the contract format."""
