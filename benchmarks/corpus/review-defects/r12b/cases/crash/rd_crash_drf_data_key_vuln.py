from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(['POST'])
def transfer(request):
    amount = request.data['amount']
    return Response({'amount': amount})
