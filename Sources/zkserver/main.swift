print("zkserver")
