# Pins: a travel booking saga — each booked step pushes a compensation marker; on failure of any step the markers are walked in reverse and the matching cancel action runs, errors in compensation swallowed.
from rappel import Workflow, action, workflow


class BookingFailed(Exception):
    pass


@action
async def book_flight(trip_id: str) -> str:
    return "FL-1"


@action
async def book_hotel(trip_id: str) -> str:
    return "HO-1"


@action
async def book_car(trip_id: str) -> str:
    return "CA-1"


@action
async def cancel_flight(booking_id: str) -> None:
    return None


@action
async def cancel_hotel(booking_id: str) -> None:
    return None


@action
async def cancel_car(booking_id: str) -> None:
    return None


@workflow
class TripBookingWorkflow(Workflow):
    async def run(self, trip_id: str, needs_car: bool) -> dict[str, str]:
        booked: list[tuple[str, str]] = []
        try:
            flight = await book_flight(trip_id)
            booked.append(("flight", flight))
            hotel = await book_hotel(trip_id)
            booked.append(("hotel", hotel))
            if needs_car:
                car = await book_car(trip_id)
                booked.append(("car", car))
        except Exception as e:
            for kind, booking_id in reversed(booked):
                try:
                    if kind == "flight":
                        await cancel_flight(booking_id)
                    elif kind == "hotel":
                        await cancel_hotel(booking_id)
                    else:
                        await cancel_car(booking_id)
                except Exception:
                    pass
            raise BookingFailed(f"trip {trip_id} failed after {len(booked)} bookings: {e}")
        return {kind: booking_id for kind, booking_id in booked}
