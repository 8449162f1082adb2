"""The administration area's pages (the system administrator's; 403 for every other role).
Each page asks `access.require_administrator`; changes go through the services."""
