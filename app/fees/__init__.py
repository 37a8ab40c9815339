"""fees"""
