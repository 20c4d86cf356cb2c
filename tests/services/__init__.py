"""Real services started by tests (a throwaway PostgreSQL + PostGIS cluster)."""
