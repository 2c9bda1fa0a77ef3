"""Alexa skill beta tests through the Skill Management API (SMAPI), with Login with Amazon auth."""
