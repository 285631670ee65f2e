"""Members: the directories, profiles, settings and staff member administration."""
