"""The web chat page: a small page server, the socket.io origin check, the static assets."""
