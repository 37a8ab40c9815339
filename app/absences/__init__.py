"""absences"""
