"""The member layer's pages: own settings, staff administration of people and businesses.

Pages that show people with their committees or contributions (directories, profiles,
business pages) and invitations (which mint sign-in links) are chamber.portal.people.
"""
