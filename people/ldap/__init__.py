"""LDAP and Active Directory: reading the directory, the sync's plan and its application, and the sign-in of
persons whose authentication method is "ldap" (issue 10)."""
