"""famnum : équipement numérique des familles."""
