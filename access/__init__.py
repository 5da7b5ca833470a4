"""Who may see and change what: roles scoped to provinces (`scope`), the rules every layer applies (`rules`),
password hashing (`passwords`), sign-in with lock-out (`signin`), the audit log (`audit`) and the account
command line (`cli`, run as ``python -m data.users``). No Streamlit here: the screen, the content layer and
the importer all ask the same rules.
"""
