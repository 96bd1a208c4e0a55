"""The API process model: writes, push daemon and reconcile inside a pod's container."""
