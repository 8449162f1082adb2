"""Cases pages. Thin: look up through familjelotsen.access with the need the page has (404
not visible, 403 short of the need), call a service or selector, render. Templates read the
record's permissions (`can`), never a role or an access basis.

Every page with personal data is logged: a GET lookup through `access.get_for_user` writes
the one access-log row of the read itself (with the basis the policy found); POSTs log what
they did, with the basis of the record they were reached through."""
