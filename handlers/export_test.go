package handlers

// IsPublic exposes the public allow-list to the route-inventory test.
func IsPublic(key string) bool { return publicRoutes[key] }
