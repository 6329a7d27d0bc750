from . import CSV, XLSX, write_files

write_files()
print(f"wrote {XLSX} and {CSV}")
