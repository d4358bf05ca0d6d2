print("zkcli")
