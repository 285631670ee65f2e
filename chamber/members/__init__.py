"""Members: the chamber's member businesses and the people who represent them (models, forms,
services, queries), own settings and staff administration of people and businesses."""
