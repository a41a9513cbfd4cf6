"""JSON Schemas generated from the pydantic models (shipped as `medlint.schemas`)."""
