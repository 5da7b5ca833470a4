"""The data folder (survey database, its versions and the access database) and the account command line
(`python -m data.users`, implemented in `access.cli`)."""
