"""trainees"""
