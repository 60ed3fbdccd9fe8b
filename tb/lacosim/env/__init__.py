"""The pyuvm verification environment: trace agent, monitors, scoreboards."""
