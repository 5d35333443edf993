from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(['POST'])
def transfer(request):
    if 'amount' not in request.data:
        return Response({'error': 'amount is required'}, status=400)
    amount = request.data['amount']
    return Response({'amount': amount})
