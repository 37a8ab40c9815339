"""Printed papers, timetable, calendar feed and dashboards (issue 14): reads every package, changes none."""
