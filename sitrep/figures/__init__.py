"""Every number in the report, computed from the validated tables: flows, stocks, blockades
and routes, prices, tables by area, and where each figure came from."""
