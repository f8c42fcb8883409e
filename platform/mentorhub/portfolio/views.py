from flask import Blueprint

bp = Blueprint("portfolio", __name__)
