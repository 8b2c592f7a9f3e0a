"""Trade analyses built on the warehouse: tariff exposure and the supply-chain estimate."""
